from acuface.atlas import demo as atlas_demo
from acuface.clients import demo as clients_demo
from acuface.core.demo import demo_clinic
from acuface.intake import demo as intake_demo
from acuface.treatments import demo, selectors, states
from acuface.treatments.models import AftercareSheet, NeedleLot, TreatmentSession


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
    for session in TreatmentSession.objects.filter(state=states.COMPLETE):
        count_in, count_out = selectors.needle_counts(session=session)
        assert count_in == count_out > 0


def test_the_demo_clinic_can_issue_aftercare_and_its_past_sheets_exist(db):
    clinic = demo_clinic()
    assert clinic.clinic.phone and clinic.clinic.emergency_number and clinic.clinic.address
    for module in (clients_demo, intake_demo, atlas_demo, demo):
        module.load(clinic)
    issued = TreatmentSession.objects.filter(aftercare_issued_at__isnull=False)
    assert issued.exists()
    sheets = AftercareSheet.objects.filter(session__in=issued)
    assert sheets.count() == issued.count()
    assert all(sheet.facts["clinic"]["phone"] == clinic.clinic.phone for sheet in sheets)
    assert all(bytes(sheet.pdf).startswith(b"%PDF") for sheet in sheets)
