-- 020_ai_sessions.sql — public chats (issue 13: "a public chat is readable through a share link,
-- read-only").  Idempotent, like every migration.
--  1. ai_chat_sessions gets is_public and share_token (43 base64url characters, made by the
--     server like a file's token; unique).  Making a chat private clears its token, so an old
--     link never opens it again.
--  2. card_ai_chat_shared(): for the token of this share transaction only (app.share_token),
--     the chat's title and its messages, when the chat is public, its owner's account is live
--     and its project (if any) is not deleted.  A SECURITY DEFINER function: a share
--     transaction has no user, and the chat tables' own policies stay owner-only.

ALTER TABLE public.ai_chat_sessions ADD COLUMN IF NOT EXISTS is_public boolean NOT NULL DEFAULT false;
ALTER TABLE public.ai_chat_sessions ADD COLUMN IF NOT EXISTS share_token text;
CREATE UNIQUE INDEX IF NOT EXISTS ai_chat_sessions_share_token_key
    ON public.ai_chat_sessions (share_token) WHERE share_token IS NOT NULL;

CREATE OR REPLACE FUNCTION public.card_ai_chat_shared()
RETURNS TABLE (title text, message_id integer, role text, content text, status text)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT COALESCE(s.title, ''), m.id, m.role, m.content, COALESCE(m.status, '')
      FROM public.ai_chat_sessions s
      JOIN public.users u ON u.id = s.user_id AND u.deleted_at IS NULL
      LEFT JOIN public.ai_chat_messages m ON m.session_id = s.id
     WHERE public.app_share_token() IS NOT NULL
       AND s.share_token = public.app_share_token() AND s.is_public
       AND (s.project_id IS NULL OR public.card_project_live(s.project_id))
     ORDER BY m.id
$$;
REVOKE ALL ON FUNCTION public.card_ai_chat_shared() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_ai_chat_shared() TO card_app;
