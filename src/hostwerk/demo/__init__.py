"""The demo: a provider's data set and `hostwerk demo`, which runs Hostwerk with the simulators."""
