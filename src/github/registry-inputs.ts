import { InputError, optionalInput, secretInput } from "./inputs.js";

/** Registry credentials given as action inputs. */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** A user name and password input pair: both or neither; the password is masked before anything prints it. */
export function credentialInputs(usernameInput: string, passwordInput: string): RegistryCredentials | undefined {
  const username = optionalInput(usernameInput);
  const password = secretInput(passwordInput);
  if ((username === undefined) !== (password === undefined)) {
    throw new InputError(`inputs "${usernameInput}" and "${passwordInput}" go together`);
  }
  return username !== undefined && password !== undefined ? { username, password } : undefined;
}
