"""Actielijst: the coordinator's worklist of one region, each item with its action one click away."""
