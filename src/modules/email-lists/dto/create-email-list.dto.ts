import { ArrayMaxSize, IsArray, IsEmail, IsString, Matches, MaxLength } from 'class-validator';

export class CreateEmailListDto {
  /** Unique within the tenant. */
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200)
  name!: string;

  /** Member addresses (at most 1000); stored trimmed, lower-cased and without duplicates. */
  @IsArray()
  @ArrayMaxSize(1000)
  @IsEmail({}, { each: true })
  @MaxLength(320, { each: true })
  emails!: string[];
}
