-- Sector statistics at speed (issue 7): per assessment and chapter, how many
-- requirements apply (status other than not_applicable) and how many are met
-- (implemented or verified). Triggers on `answers` keep it, so every path that
-- writes answers (a form, a bulk save, a spreadsheet import, a copy from an
-- earlier assessment, the small-enterprise wizard, plain SQL) keeps it true,
-- and statistics read one row per tenant and chapter instead of every answer.
-- An answer whose node is not in its catalogue counts nowhere, as before; a
-- node without a chapter counts under ''. Catalogue nodes never change after
-- import, so their chapter is fixed.
-- Identical in meaning to the other backend's migration.

CREATE TABLE assessment_chapter_tallies (
    tenant_id      TEXT NOT NULL,
    assessment_id  TEXT NOT NULL,
    chapter_id     TEXT NOT NULL,
    applicable     BIGINT NOT NULL DEFAULT 0,
    met            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, assessment_id, chapter_id),
    FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id) ON DELETE CASCADE
);

INSERT INTO assessment_chapter_tallies (tenant_id, assessment_id, chapter_id, applicable, met)
SELECT ans.tenant_id, ans.assessment_id, COALESCE(cn.chapter_id, ''),
       SUM(CASE WHEN ans.status <> 'not_applicable' THEN 1 ELSE 0 END),
       SUM(CASE WHEN ans.status IN ('implemented', 'verified') THEN 1 ELSE 0 END)
FROM answers ans
JOIN assessments a ON a.tenant_id = ans.tenant_id AND a.id = ans.assessment_id
JOIN catalog_nodes cn ON cn.catalog_key = a.catalog_key AND cn.node_id = ans.node_id
GROUP BY ans.tenant_id, ans.assessment_id, COALESCE(cn.chapter_id, '');

-- One function for all three events. Subtracting is an UPDATE only: when the
-- assessment itself is gone, its tallies went with it.
CREATE FUNCTION answers_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE assessment_chapter_tallies t
        SET applicable = t.applicable - CASE WHEN OLD.status <> 'not_applicable' THEN 1 ELSE 0 END,
            met = t.met - CASE WHEN OLD.status IN ('implemented', 'verified') THEN 1 ELSE 0 END
        FROM assessments a JOIN catalog_nodes cn ON cn.catalog_key = a.catalog_key AND cn.node_id = OLD.node_id
        WHERE a.tenant_id = OLD.tenant_id AND a.id = OLD.assessment_id
          AND t.tenant_id = OLD.tenant_id AND t.assessment_id = OLD.assessment_id
          AND t.chapter_id = COALESCE(cn.chapter_id, '');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO assessment_chapter_tallies AS t (tenant_id, assessment_id, chapter_id, applicable, met)
        SELECT NEW.tenant_id, NEW.assessment_id, COALESCE(cn.chapter_id, ''),
               CASE WHEN NEW.status <> 'not_applicable' THEN 1 ELSE 0 END,
               CASE WHEN NEW.status IN ('implemented', 'verified') THEN 1 ELSE 0 END
        FROM assessments a JOIN catalog_nodes cn ON cn.catalog_key = a.catalog_key AND cn.node_id = NEW.node_id
        WHERE a.tenant_id = NEW.tenant_id AND a.id = NEW.assessment_id
        ON CONFLICT (tenant_id, assessment_id, chapter_id) DO UPDATE
            SET applicable = t.applicable + EXCLUDED.applicable, met = t.met + EXCLUDED.met;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER answers_tally_insert_delete AFTER INSERT OR DELETE ON answers
    FOR EACH ROW EXECUTE FUNCTION answers_tally();

CREATE TRIGGER answers_tally_update AFTER UPDATE OF tenant_id, assessment_id, node_id, status ON answers
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.node_id IS DISTINCT FROM NEW.node_id
          OR OLD.assessment_id IS DISTINCT FROM NEW.assessment_id OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
    EXECUTE FUNCTION answers_tally();
