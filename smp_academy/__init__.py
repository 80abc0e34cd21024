"""SMP Academy: training and certification for scalp micropigmentation practitioners."""
