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

CREATE TRIGGER answers_tally_insert AFTER INSERT ON answers
BEGIN
    INSERT INTO assessment_chapter_tallies (tenant_id, assessment_id, chapter_id, applicable, met)
    SELECT NEW.tenant_id, NEW.assessment_id, COALESCE(cn.chapter_id, ''),
           CASE WHEN NEW.status <> 'not_applicable' THEN 1 ELSE 0 END,
           CASE WHEN NEW.status IN ('implemented', 'verified') THEN 1 ELSE 0 END
    FROM assessments a JOIN catalog_nodes cn ON cn.catalog_key = a.catalog_key AND cn.node_id = NEW.node_id
    WHERE a.tenant_id = NEW.tenant_id AND a.id = NEW.assessment_id
    ON CONFLICT (tenant_id, assessment_id, chapter_id) DO UPDATE
        SET applicable = applicable + excluded.applicable, met = met + excluded.met;
END;

-- Subtracts only: when the assessment itself is gone, its tallies went with it.
CREATE TRIGGER answers_tally_delete AFTER DELETE ON answers
BEGIN
    UPDATE assessment_chapter_tallies
    SET applicable = applicable - CASE WHEN OLD.status <> 'not_applicable' THEN 1 ELSE 0 END,
        met = met - CASE WHEN OLD.status IN ('implemented', 'verified') THEN 1 ELSE 0 END
    WHERE tenant_id = OLD.tenant_id AND assessment_id = OLD.assessment_id
      AND chapter_id = (SELECT COALESCE(cn.chapter_id, '')
                        FROM assessments a JOIN catalog_nodes cn ON cn.catalog_key = a.catalog_key AND cn.node_id = OLD.node_id
                        WHERE a.tenant_id = OLD.tenant_id AND a.id = OLD.assessment_id);
END;

CREATE TRIGGER answers_tally_update AFTER UPDATE OF tenant_id, assessment_id, node_id, status ON answers
WHEN OLD.status <> NEW.status OR OLD.node_id <> NEW.node_id
  OR OLD.assessment_id <> NEW.assessment_id OR OLD.tenant_id <> NEW.tenant_id
BEGIN
    UPDATE assessment_chapter_tallies
    SET applicable = applicable - CASE WHEN OLD.status <> 'not_applicable' THEN 1 ELSE 0 END,
        met = met - CASE WHEN OLD.status IN ('implemented', 'verified') THEN 1 ELSE 0 END
    WHERE tenant_id = OLD.tenant_id AND assessment_id = OLD.assessment_id
      AND chapter_id = (SELECT COALESCE(cn.chapter_id, '')
                        FROM assessments a JOIN catalog_nodes cn ON cn.catalog_key = a.catalog_key AND cn.node_id = OLD.node_id
                        WHERE a.tenant_id = OLD.tenant_id AND a.id = OLD.assessment_id);
    INSERT INTO assessment_chapter_tallies (tenant_id, assessment_id, chapter_id, applicable, met)
    SELECT NEW.tenant_id, NEW.assessment_id, COALESCE(cn.chapter_id, ''),
           CASE WHEN NEW.status <> 'not_applicable' THEN 1 ELSE 0 END,
           CASE WHEN NEW.status IN ('implemented', 'verified') THEN 1 ELSE 0 END
    FROM assessments a JOIN catalog_nodes cn ON cn.catalog_key = a.catalog_key AND cn.node_id = NEW.node_id
    WHERE a.tenant_id = NEW.tenant_id AND a.id = NEW.assessment_id
    ON CONFLICT (tenant_id, assessment_id, chapter_id) DO UPDATE
        SET applicable = applicable + excluded.applicable, met = met + excluded.met;
END;
