"""Registry loaders: parse, transform into models, load in batches."""
