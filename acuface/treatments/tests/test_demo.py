from acuface.atlas import demo as atlas_demo
from acuface.clients import demo as clients_demo
from acuface.core.demo import demo_clinic
from acuface.intake import demo as intake_demo
from acuface.treatments import demo, selectors, states
from acuface.treatments.models import NeedleLot, TreatmentSession


def test_the_demo_loads_once(db):
    clinic = demo_clinic()
    for module in (clients_demo, intake_demo, atlas_demo, demo):
        module.load(clinic)
    counts = (TreatmentSession.objects.count(), NeedleLot.objects.count())
    demo.load(clinic)
    assert (TreatmentSession.objects.count(), NeedleLot.objects.count()) == counts
    today = selectors.clinic_today(clinic.clinic)
    lots = NeedleLot.objects.filter(product__clinic=clinic.clinic)
    assert any(lot.is_expired_on(today) for lot in lots)
    assert selectors.low_stock_lots(clinic=clinic.clinic, on=today)
    assert TreatmentSession.objects.filter(state=states.COMPLETE).count() >= 3
    assert selectors.sessions_today(clinic=clinic.clinic)
    for session in TreatmentSession.objects.filter(state=states.COMPLETE):
        count_in, count_out = selectors.needle_counts(session=session)
        assert count_in == count_out > 0
