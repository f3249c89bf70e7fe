"""Use cases. Each checks policy again, writes the audit record and is the only place that commits."""
