"""Media response models: adstock, saturation and ROI with credible intervals, in numpy/scipy.

    fit = fit_response(MediaData(...), seed=0)
    fit.channel_summary()      # decay, saturation, contribution share, ROI, mROI per channel
    fit.predict(plan)          # contribution draws of a future spend plan
    fit.response_curve("tv", grid)

Model and priors: docs/decisions/0005-response-model-priors.md.
"""

from .design import MediaData
from .fit import fit_response
from .priors import FitOptions
from .result import ResponseFit
from .summary import ChannelSummary, Interval
from .transforms import geometric_adstock, logistic_saturation

__all__ = [
    "ChannelSummary",
    "FitOptions",
    "Interval",
    "MediaData",
    "ResponseFit",
    "fit_response",
    "geometric_adstock",
    "logistic_saturation",
]
