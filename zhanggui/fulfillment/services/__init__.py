"""Shipping services: every change of couriers, numbers and parcels goes through these."""
