"""Seed data: `seed.demo.seed_demo` (fictional demo) and `seed.scale.seed_scale` (national test set)."""
