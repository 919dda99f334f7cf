-- 008_seed.sql — the AI providers and models of ERD Builder Pro's seed data. A no-op on a database
-- that already has them: providers are matched by their unique code, models by provider and
-- model identifier.

INSERT INTO public.ai_providers (name, code, base_url) VALUES
    ('OpenAI', 'openai', 'https://api.openai.com/v1'),
    ('Google Gemini', 'gemini', NULL),
    ('OpenAI Compatible', 'openai_compatible', 'https://ai.paas.id')
ON CONFLICT (code) DO NOTHING;

INSERT INTO public.ai_models (provider_id, model_identifier, display_name)
SELECT p.id, v.model_identifier, v.display_name
  FROM (VALUES
        ('openai', 'gpt-4o', 'GPT-4o (Smartest)'),
        ('openai', 'gpt-4o-mini', 'GPT-4o Mini (Fast)'),
        ('gemini', 'gemini-1.5-pro', 'Gemini 1.5 Pro'),
        ('gemini', 'gemini-1.5-flash', 'Gemini 1.5 Flash')
       ) AS v(code, model_identifier, display_name)
  JOIN public.ai_providers p ON p.code = v.code
 WHERE NOT EXISTS (SELECT 1 FROM public.ai_models m
                    WHERE m.provider_id = p.id AND m.model_identifier = v.model_identifier);
