"""Mollie API v2 simulator: payments, refunds, checkout page, webhook delivery with retries."""
