"""Files the package ships beside its code (fonts), loaded by path from here."""
