/**
 * Every command and query of the application is one object behind this one method. What wraps a use case
 * (a span, a refusal counter) wraps this interface, so it works for all of them alike.
 */
export interface UseCase<Command, Answer> {
  execute(command: Command): Promise<Answer>;
}
