-- A console user's own language choice (docs/decisions/0036): '' follows
-- the browser's Accept-Language, otherwise a language the console speaks
-- ("en", "es"). Existing users keep following their browser.
ALTER TABLE users ADD COLUMN console_lang text NOT NULL DEFAULT '';
