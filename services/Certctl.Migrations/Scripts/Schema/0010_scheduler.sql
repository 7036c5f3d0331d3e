-- The scheduler's additions.
--
-- A certificate whose renewal gave up (every attempt spent, or its approval expired) shows Failed; last_error says why, so an operator
-- sees the cause on the certificate without searching its jobs. Cleared by whoever next moves the certificate out of Failed.
ALTER TABLE managed_certificates ADD COLUMN last_error TEXT NULL;
