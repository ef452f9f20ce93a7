CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT CHECK (length(name) < 50), touched INTEGER DEFAULT 0);
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));
CREATE TRIGGER trg_child AFTER INSERT ON child BEGIN
  UPDATE parent SET touched = touched + 1 WHERE id = NEW.parent_id;
END;
