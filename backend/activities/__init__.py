"""Volunteer activities (志愿服务): QR check-in at the event, attendance to proposed points."""
