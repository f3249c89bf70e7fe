"""Pure rules of the improvement plan: no Flask, no database."""
