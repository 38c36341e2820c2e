// The error a promise rejects with, for assertions on its message and class (chai alone has no
// rejectedWith); a promise that resolves fails the test.
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
