-- 018_viewport.sql — the diagram viewport (pan and zoom) is a view preference, not an edit.
-- PUT /api/diagrams/:uid/viewport (fcgi/api_diagram_viewport.c) sets the transaction-local
-- app.viewport_only = 'on' around its UPDATE, which writes only viewport_x/y/zoom; such an
-- update neither bumps _version/updated_at nor writes an audit snapshot, so two tabs that only
-- scrolled never see a save conflict.  Any other update of a diagram — including a model save
-- that changes only its tables (the row itself unchanged) — runs both triggers as before (004).
DROP TRIGGER IF EXISTS tr_diagrams_version ON public.diagrams;
CREATE TRIGGER tr_diagrams_version BEFORE UPDATE ON public.diagrams FOR EACH ROW
    WHEN (current_setting('app.viewport_only', true) IS DISTINCT FROM 'on'
          OR (to_jsonb(OLD) - ARRAY['viewport_x', 'viewport_y', 'viewport_zoom'])
             IS DISTINCT FROM (to_jsonb(NEW) - ARRAY['viewport_x', 'viewport_y', 'viewport_zoom']))
    EXECUTE FUNCTION public.increment_version();

-- The audit trigger is split so its UPDATE half can test the same condition.
DROP TRIGGER IF EXISTS tr_diagrams_audit ON public.diagrams;
CREATE TRIGGER tr_diagrams_audit AFTER INSERT ON public.diagrams FOR EACH ROW
    EXECUTE FUNCTION public.log_entity_changes();
DROP TRIGGER IF EXISTS tr_diagrams_audit_update ON public.diagrams;
CREATE TRIGGER tr_diagrams_audit_update AFTER UPDATE ON public.diagrams FOR EACH ROW
    WHEN (current_setting('app.viewport_only', true) IS DISTINCT FROM 'on'
          OR (to_jsonb(OLD) - ARRAY['viewport_x', 'viewport_y', 'viewport_zoom'])
             IS DISTINCT FROM (to_jsonb(NEW) - ARRAY['viewport_x', 'viewport_y', 'viewport_zoom']))
    EXECUTE FUNCTION public.log_entity_changes();
