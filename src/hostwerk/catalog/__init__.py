"""What the provider sells: products with prices per billing cycle, and TLDs with their rules."""
