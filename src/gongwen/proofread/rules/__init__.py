"""The proofreading rules, one module per family; each rule registers itself in the catalogue."""
