"""Asset checks, one module per stage, beside the assets they check."""
