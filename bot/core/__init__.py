"""The pure core: values in, values out; no network, files, clock or environment."""
