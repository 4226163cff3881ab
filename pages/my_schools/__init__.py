"""Mijn scholen: one school board's schools across every region, one tile per school."""
