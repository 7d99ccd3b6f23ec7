"""The pipeline's stages in their order: each is an asset group (and a folder of `sql/`)."""

STAGES = ("sources", "standardise", "unify", "rank", "target", "publish")
