"""Assets, one module per stage: sources -> standardise -> unify -> rank -> target -> publish."""
