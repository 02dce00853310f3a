"""Admin for products, product models, prices and assets."""
