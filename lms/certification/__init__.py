"""Final approval, certificates, verification, expiry and recertification, dashboard."""
