/** "AIMC: Get Started": the walkthrough (package.json `contributes.walkthroughs`). */
import { WALKTHROUGH_ID } from '../onboarding';
import type { CommandContext } from './context';

export async function getStartedCommand(ctx: CommandContext): Promise<void> {
  await ctx.api.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
}
