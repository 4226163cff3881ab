"""Application services: database access that feeds the domain layer (no Dash)."""
