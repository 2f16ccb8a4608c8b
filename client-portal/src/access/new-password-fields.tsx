import { useId } from 'react';
import type { Ref } from 'react';

/** The server's rule (server/auth/passwords.ts PASSWORD_MIN_LENGTH); checked here for quick feedback. */
export const PASSWORD_MIN_LENGTH = 10;

export interface PasswordErrors {
  password?: string | undefined;
  confirm?: string | undefined;
}

export function checkNewPassword(password: string, confirm: string): PasswordErrors {
  const errors: PasswordErrors = {};
  if (password === '') errors.password = 'Choose a password.';
  else if (password.length < PASSWORD_MIN_LENGTH) errors.password = `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  else if (password.length > 1024) errors.password = 'Use at most 1,024 characters.';
  if (!errors.password && confirm !== password) errors.confirm = 'The two passwords don’t match.';
  return errors;
}

/** "New password" and "Confirm password", each labelled, hinted and with its error next to it. */
export function NewPasswordFields({
  password,
  confirm,
  onPassword,
  onConfirm,
  errors,
  passwordRef,
  confirmRef,
}: {
  password: string;
  confirm: string;
  onPassword: (value: string) => void;
  onConfirm: (value: string) => void;
  errors: PasswordErrors;
  passwordRef?: Ref<HTMLInputElement>;
  confirmRef?: Ref<HTMLInputElement>;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const passwordErrorId = `${id}-password-error`;
  const confirmErrorId = `${id}-confirm-error`;
  return (
    <>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-password`}>
          New password
        </label>
        <input
          ref={passwordRef}
          id={`${id}-password`}
          className="input"
          type="password"
          name="new-password"
          autoComplete="new-password"
          value={password}
          onChange={(event) => onPassword(event.target.value)}
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={errors.password ? `${passwordErrorId} ${hintId}` : hintId}
          required
          minLength={PASSWORD_MIN_LENGTH}
        />
        {errors.password && (
          <p className="field__error" id={passwordErrorId}>
            {errors.password}
          </p>
        )}
        <p className="field__hint" id={hintId}>
          At least {PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong password that is easy to remember.
        </p>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-confirm`}>
          Confirm new password
        </label>
        <input
          ref={confirmRef}
          id={`${id}-confirm`}
          className="input"
          type="password"
          name="confirm-password"
          autoComplete="new-password"
          value={confirm}
          onChange={(event) => onConfirm(event.target.value)}
          aria-invalid={errors.confirm ? true : undefined}
          aria-describedby={errors.confirm ? confirmErrorId : undefined}
          required
        />
        {errors.confirm && (
          <p className="field__error" id={confirmErrorId}>
            {errors.confirm}
          </p>
        )}
      </div>
    </>
  );
}
