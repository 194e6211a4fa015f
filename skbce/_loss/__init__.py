"""Private per-element loss kernels; validated public wrappers live in skbce.losses."""
