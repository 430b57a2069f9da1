"""Pages of the portal, split by area."""
