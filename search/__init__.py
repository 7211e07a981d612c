"""Full-text search over standards and practices (whoosh-reloaded + jieba; later issues)."""
