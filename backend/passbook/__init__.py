"""积分存折: a household's printed statement, for villagers without phones."""
