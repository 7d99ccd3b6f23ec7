"""dtsen-pipeline: builds DTSEN from DTKS, P3KE, REGSOSEK and Dukcapil."""
