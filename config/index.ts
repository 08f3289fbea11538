// The environments synthesized into dist/<name>/. Add one by writing a config file and listing it here.
import { EnvironmentConfig } from '../lib/config/types';
import { dev } from './dev';
import { prod } from './prod';
import { staging } from './staging';

export const ENVIRONMENTS: readonly EnvironmentConfig[] = [dev, staging, prod];
