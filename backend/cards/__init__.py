"""Household cards (积分卡) and phone codes: the QR payloads the kiosk scans, and the PIN."""
