"""What printed paper shares: the CJK font, so every sheet and poster renders Chinese alike."""
