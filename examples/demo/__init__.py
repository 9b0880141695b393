"""The demo journal's data (``netjournal demo``): installed as ``netjournal.demo_data``."""
