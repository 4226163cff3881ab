"""Contactlijst: "namen en rugnummers" per school and per municipality, printable and as CSV."""
