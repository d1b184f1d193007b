"""Face analysis for Acuface: landmarks, quality gates, acupuncture points, skin metrics.

Pure Python (numpy, OpenCV, scikit-image, MediaPipe); no Django imports anywhere in the package.
Only :mod:`acuface.vision.landmarks` imports MediaPipe.

Coordinate convention (used by every module of the package)
-----------------------------------------------------------
Images
    RGB ``uint8`` arrays of shape ``(H, W, 3)``. Decoding files and stripping EXIF is done by the
    caller (the Django side).
Points
    Pixel coordinates as ``float64``: origin at the top-left corner of the image, ``x`` to the
    right, ``y`` down. A single point is an array of shape ``(2,)`` holding ``(x, y)``; ``N``
    points are an array of shape ``(N, 2)``. Landmarks are MediaPipe's normalised coordinates
    multiplied by the image width and height; warps use OpenCV's rule (integer coordinates are
    pixel centres). The half-pixel difference between the two is immaterial at this precision.
Angles
    Degrees. Rotations of the image plane are positive clockwise *as seen on screen* (because
    ``y`` points down); see :mod:`acuface.vision.pose` for yaw, pitch and roll signs.
Right and left
    Always the **client's** own. On a non-mirrored frontal photo the client's right side is on
    the image's left.
Canonical chart frame
    The same convention in a fixed ``1000 x 1250`` unit box (see :mod:`acuface.vision.canonical`).

The usual entry point is :func:`acuface.vision.analysis.analyse_photo`.
"""
