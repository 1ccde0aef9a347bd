"""Protocol-faithful simulators of Plesk, an EPP registry and SpamExperts for the demo and tests.

Never used by production settings.
"""
