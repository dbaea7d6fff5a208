"""The copilot: candidate tactics from graph paths, response models, forecasts, the budget
optimiser, risk scores and creative briefs (see docs/copilot.md)."""
