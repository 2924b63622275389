"""The domain: engagements, focus areas, findings, recommendations, statuses and their rules."""
