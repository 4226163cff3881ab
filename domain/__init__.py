"""Plain, Dash-free domain logic: definitions, vocabularies and computations."""
