"""What publicity adds to the lifecycle (inputs, effects, conditions, events)."""
