"""The proxy-means test (PMT): which family characteristics predict per-capita consumption
(`features`), the candidate models and how one is chosen (`model`), and the versioned artifact
that scores families (`artifact`)."""
